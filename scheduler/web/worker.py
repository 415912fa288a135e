"""A stand-alone queue consumer for workers on other machines:

    python -m scheduler.web.worker --data DIR --queue redis://HOST:6379/0 --workers 2

`DIR` must be the server's data folder (a shared mount): the solver reads the uploads and
writes results and progress there. Each worker solves one run at a time.
"""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("--data", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--queue", "queue_url", envvar="SIGMEET_QUEUE", required=True)
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True)
def main(data: Path, queue_url: str, workers: int) -> None:
    """Solve queued sigmeet runs from a shared queue."""
    from huey.consumer import Consumer

    from scheduler.web.jobs import make_huey

    huey = make_huey(data, queue_url)
    Consumer(huey, workers=workers, worker_type="thread", periodic=False).run()


if __name__ == "__main__":
    main()
