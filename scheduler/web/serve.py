"""`sigmeet serve`: the web app on waitress, with the queue's consumer embedded.

Start-up never waits for input: the organiser password comes from SIGMEET_ADMIN_PASSWORD,
or a one-time set-up link is printed when none is set yet. Runs that were solving when the
server last stopped are marked interrupted (a button runs them again); queued runs stay
queued in the SQLite queue and start again.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import click

# Flask, huey and waitress are imported when the app starts, not by every `sigmeet` command.

DEFAULT_DATA = "sigmeet-data"
EXAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "example_event.xlsx"
EXAMPLE_TIME_LIMIT = 15.0
THREADS = 16


@dataclass
class Server:
    store: object  # scheduler.web.store.Store
    app: object
    huey: object
    consumer: object | None

    def enqueue(self, run_id: int) -> None:
        self.huey.solve_task(str(self.store.folder), run_id)

    def enqueue_send(self, send_id: int) -> None:
        self.huey.send_task(str(self.store.folder), send_id)

    def shutdown(self) -> None:
        from scheduler.web import jobs

        if self.consumer is not None:
            self.consumer.stop()
        jobs.stop_children()
        self.store.mark_interrupted()


def build(
    data: Path, *, workers: int = 1, queue_url: str | None = None, testing: bool = False
) -> Server:
    from scheduler.web import jobs
    from scheduler.web import store as st
    from scheduler.web.app import PASSWORD_ENV, create_app, set_password

    store = st.Store(data)
    if not queue_url:  # with shared workers a run may still be solving elsewhere
        store.mark_interrupted()
    password = os.environ.get(PASSWORD_ENV)
    if password:
        set_password(store, password)
    huey = jobs.make_huey(store.folder, queue_url)
    consumer = jobs.start_consumer(huey, workers) if workers > 0 else None
    server = Server(store, None, huey, consumer)
    server.app = create_app(
        store, server.enqueue, testing=testing, enqueue_send=server.enqueue_send
    )
    return server


def load_example(server: Server, source: Path = EXAMPLE) -> int | None:
    """The shipped example event, uploaded and queued once per data folder (its run id)."""
    from scheduler.web import uploads

    store = server.store
    if store.setting("example_event"):
        return None
    target = store.new_upload_path()
    shutil.copyfile(source, target)
    ok, name, report = uploads.validation_report(target, source.name)
    event_id = store.create_event(name or "Example event")
    version_id = store.add_version(event_id, source.name, target, ok, report)
    store.set_setting("example_event", str(event_id))
    if not ok:
        return None
    run_id = store.add_run(event_id, version_id, EXAMPLE_TIME_LIMIT)
    server.enqueue(run_id)
    return run_id


@click.command()
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_DATA,
    show_default=True,
    help="Folder for the database, uploads and results (created when missing).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--example", is_flag=True, help="Load and schedule the shipped example event.")
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Schedule runs solved at once by this server (0: only by workers elsewhere).",
)
@click.option(
    "--queue",
    "queue_url",
    envvar="SIGMEET_QUEUE",
    help="Redis URL of a shared queue (redis://host:6379/0) [default: SQLite in --data].",
)
@click.option(
    "--public-url",
    envvar="SIGMEET_PUBLIC_URL",
    help="Address attendees use to reach this server, for the QR codes on printed agendas "
    "[default: http://HOST:PORT].",
)
def serve(
    data: Path,
    host: str,
    port: int,
    example: bool,
    workers: int,
    queue_url: str | None,
    public_url: str | None,
):
    """Start the web app for organisers and attendees."""
    import waitress

    from scheduler.web.app import PASSWORD_ENV, setup_token
    from scheduler.web.store import PUBLIC_URL_SETTING

    server = build(data, workers=workers, queue_url=queue_url)
    base = f"http://{host}:{port}"
    # The printed agendas' QR codes lead here (runs write them in their own processes).
    server.store.set_setting(PUBLIC_URL_SETTING, public_url or base)
    token = setup_token(server.store)
    if token:
        click.echo(
            f"No organiser password yet. Open this one-time link to set it:\n"
            f"  {base}/setup/{token}\n(or start with {PASSWORD_ENV} set)."
        )
    if example:
        if not EXAMPLE.is_file():
            click.echo(f"The example event is not here ({EXAMPLE}); skipping --example.", err=True)
        elif load_example(server) is not None:
            click.echo(f"Scheduling the example event ({EXAMPLE_TIME_LIMIT:g} s).")
    click.echo(f"sigmeet is running at {base}/ (data in {server.store.folder}); Ctrl-C stops.")
    try:
        waitress.serve(server.app, host=host, port=port, threads=THREADS, ident="sigmeet")
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        click.echo("Stopped.")
    sys.exit(0)


def serve_in_thread(server: Server, host: str = "127.0.0.1", port: int = 0):
    """(waitress server, base URL) running in a daemon thread: for tests and benchmarks."""
    from waitress.server import create_server

    httpd = create_server(server.app, host=host, port=port, threads=THREADS, ident="sigmeet")
    thread = threading.Thread(target=httpd.run, daemon=True)
    thread.start()
    return httpd, f"http://{host}:{httpd.effective_port}"


def stop_serving(httpd) -> None:
    """Stop a server started by `serve_in_thread`. Its sockets are closed from its own loop
    thread: closed from another thread while the loop waits in select(), they fail there."""

    def close_all() -> None:
        for channel in list(httpd._map.values()):
            channel.close()

    httpd.trigger.pull_trigger(close_all)
    httpd.task_dispatcher.shutdown()
