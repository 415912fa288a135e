"""The web app (Flask): organiser pages behind a login, attendee pages behind their tokens.

Every page is a Jinja template with autoescaping, every form carries a CSRF token, every file
is found by an id the app generated (never by a name from the request), and solving happens
only in the queue's worker processes (scheduler/web/jobs.py).
"""

from __future__ import annotations

import hmac
import io
import json
import math
import secrets
import tempfile
import time
from pathlib import Path

from flask import (
    Flask,
    Response,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.security import check_password_hash, generate_password_hash

from scheduler.web import results, uploads
from scheduler.web import store as st

PASSWORD_ENV = "SIGMEET_ADMIN_PASSWORD"
MIN_PASSWORD = 10
DEFAULT_TIME_LIMIT = 30
MAX_TIME_LIMIT = 3600
RUN_FILES = {  # what the results page offers, and nothing else
    "schedule.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "agendas.zip": "application/zip",
    "contacts.csv": "text/csv",
    "changes.csv": "text/csv",
}
XLSX_TYPE = RUN_FILES["schedule.xlsx"]
PUBLIC = {"login", "setup", "static", "attendee", "attendee_ics", "feed", "health"}


def set_password(store: st.Store, password: str) -> None:
    store.set_setting("password_hash", generate_password_hash(password))
    store.set_setting("setup_token", None)


def setup_token(store: st.Store) -> str | None:
    """The one-time set-up token, made when no password exists yet (None once one does)."""
    if store.setting("password_hash"):
        return None
    token = store.setting("setup_token")
    if token is None:
        token = secrets.token_urlsafe(24)
        store.set_setting("setup_token", token)
    return token


def create_app(store: st.Store, enqueue=None, *, testing: bool = False, enqueue_send=None) -> Flask:
    """The app over `store`; `enqueue(run_id)` queues a solve and `enqueue_send(send_id)`
    the sending of a run's agendas (scheduler/web/jobs.py)."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=store.secret_key(),
        MAX_CONTENT_LENGTH=uploads.MAX_UPLOAD_BYTES + 64 * 1024,  # the file and the form
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        TESTING=testing,
    )
    app.extensions["sigmeet_store"] = store
    app.extensions["sigmeet_enqueue"] = enqueue or (lambda run_id: None)
    app.extensions["sigmeet_enqueue_send"] = enqueue_send or (lambda send_id: None)

    def csrf_token() -> str:
        if "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(24)
        return session["csrf"]

    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.template_filter("pct")
    def pct(value):
        return "–" if value is None else f"{100 * value:.2f} %"

    @app.template_filter("num")
    def num(value):
        if value is None:
            return "–"
        return f"{value:,.0f}"

    @app.before_request
    def guard():
        g.store = store
        if request.method == "POST":
            sent = request.form.get("csrf", "")
            if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
                return page_error(
                    400,
                    "This form has expired or did not come from this app.",
                    "Go back, reload the page and try again.",
                )
        if request.endpoint not in PUBLIC and not session.get("organiser"):
            if request.endpoint is None:
                return None  # 404 for everyone
            return redirect(url_for("login", next=request.full_path))
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if request.endpoint not in ("static", "feed", "attendee_ics"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    def page_error(code: int, message: str, hint: str = ""):
        return render_template("error.html", code=code, message=message, hint=hint), code

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_exc):
        return page_error(413, uploads.too_big_message(), "Choose a smaller file and upload again.")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        messages = {
            404: ("There is nothing here.", "Check the link, or start from the event list."),
            405: ("That is not something this page does.", ""),
        }
        message, hint = messages.get(exc.code, (exc.description or exc.name, ""))
        return page_error(exc.code or 500, message, hint)

    # ---------------------------------------------------------------- login
    @app.get("/health")
    def health():
        return {"ok": True}

    @app.route("/setup/<token>", methods=["GET", "POST"])
    def setup(token: str):
        expected = store.setting("setup_token")
        if not expected or not hmac.compare_digest(token, expected):
            return page_error(
                404,
                "This set-up link is not valid (any more).",
                "The organiser password is already set: sign in instead.",
            )
        error = None
        if request.method == "POST":
            password = request.form.get("password", "")
            if len(password) < MIN_PASSWORD:
                error = f"Choose a password of at least {MIN_PASSWORD} characters."
            elif password != request.form.get("confirm", ""):
                error = "The two passwords differ; type the same one twice."
            else:
                set_password(store, password)
                session.clear()
                session["organiser"] = True
                flash("Password set. You are signed in.")
                return redirect(url_for("index"))
        return render_template("setup.html", error=error, minimum=MIN_PASSWORD), (
            400 if error else 200
        )

    @app.route("/login", methods=["GET", "POST"])
    def login():
        target = request.values.get("next", "")
        if not target.startswith("/") or target.startswith("//"):
            target = url_for("index")
        has_password = bool(store.setting("password_hash"))
        error = None
        if request.method == "POST":
            stored = store.setting("password_hash")
            if stored and check_password_hash(stored, request.form.get("password", "")):
                csrf = session.get("csrf")
                session.clear()
                session["organiser"] = True
                session["csrf"] = csrf or secrets.token_urlsafe(24)
                return redirect(target)
            time.sleep(0.5 if not app.testing else 0)  # slows down guessing
            error = "That password is not right. Try again."
        code = 401 if error else 200
        return render_template(
            "login.html", error=error, has_password=has_password, next=target
        ), code

    @app.post("/logout")
    def logout():
        session.clear()
        return redirect(url_for("login"))

    # ---------------------------------------------------------------- events and uploads
    def event_or_404(event_id: int):
        row = store.event(event_id)
        if row is None:
            abort(404)
        return row

    def run_or_404(run_id: int):
        row = store.run(run_id)
        if row is None:
            abort(404)
        return row

    @app.get("/")
    def index():
        events = []
        for e in store.events():
            versions = store.versions(e["id"])
            runs = store.runs(e["id"])
            events.append({"row": e, "versions": len(versions), "runs": runs[:1]})
        return render_template("index.html", events=events)

    @app.get("/template.xlsx")
    def template():
        from scheduler.registration.template import write_template

        with tempfile.TemporaryDirectory() as tmp:
            path = write_template(Path(tmp) / "registration.xlsx")
            data = path.read_bytes()
        return send_file(
            io.BytesIO(data),
            mimetype=XLSX_TYPE,
            as_attachment=True,
            download_name="registration-template.xlsx",
        )

    def take_upload(event_id: int | None):
        """Store and validate the posted workbook as a new version (of a new event when
        `event_id` is None); returns (event id, version id) or an error page."""
        file = request.files.get("workbook")
        if file is None or not file.filename:
            raise uploads.UploadRejected("Choose a registration workbook (.xlsx) to upload.")
        data = file.read(uploads.MAX_UPLOAD_BYTES + 1)
        target = store.new_upload_path()
        uploads.check_and_store(file.filename, data, target)
        original = Path(file.filename).name[:200]
        ok, name, report = uploads.validation_report(target, original)
        if event_id is None:
            event_id = store.create_event(name or Path(original).stem or "New event")
        elif name:
            store.rename_event(event_id, name)
        version_id = store.add_version(event_id, original, target, ok, report)
        return event_id, version_id

    @app.post("/events")
    def new_event():
        try:
            event_id, version_id = take_upload(None)
        except uploads.UploadRejected as exc:
            return render_template("index.html", events=[], upload_error=str(exc)), 400
        return redirect(url_for("version", event_id=event_id, version_id=version_id))

    @app.post("/events/<int:event_id>/versions")
    def new_version(event_id: int):
        event_or_404(event_id)
        try:
            _, version_id = take_upload(event_id)
        except uploads.UploadRejected as exc:
            return event_page(event_id, upload_error=str(exc), code=400)
        return redirect(url_for("version", event_id=event_id, version_id=version_id))

    def event_page(event_id: int, upload_error: str | None = None, code: int = 200):
        event = event_or_404(event_id)
        versions = store.versions(event_id)
        runs = store.runs(event_id)
        usable = [v for v in versions if v["ok"]]
        done = [r for r in runs if r["status"] == st.DONE]
        published = next((r for r in runs if r["id"] == event["published_run"]), None)
        return render_template(
            "event.html",
            event=event,
            versions=versions,
            runs=runs,
            usable=usable,
            done=done,
            published=published,
            default_limit=DEFAULT_TIME_LIMIT,
            upload_error=upload_error,
        ), code

    @app.get("/events/<int:event_id>")
    def event(event_id: int):
        return event_page(event_id)

    def version_or_404(event_id: int, version_id: int):
        version = store.version(version_id)
        if version is None or version["event_id"] != event_id:
            abort(404)
        return version

    @app.get("/events/<int:event_id>/versions/<int:version_id>")
    def version(event_id: int, version_id: int):
        event = event_or_404(event_id)
        version = version_or_404(event_id, version_id)
        report = json.loads(version["report"])
        path = store.upload_path(version)
        titles = []
        try:
            titles = uploads.sheet_titles(path)
        except Exception:  # noqa: BLE001 - an unreadable file has no sheets to link to
            titles = []
        for p in report["problems"]:
            p["sheet_index"] = uploads.sheet_index(titles, p["sheet"]) if titles else None
        return render_template(
            "version.html",
            event=event,
            version=version,
            report=report,
            default_limit=DEFAULT_TIME_LIMIT,
        )

    @app.get("/events/<int:event_id>/versions/<int:version_id>/sheets/<int:index>")
    def sheet(event_id: int, version_id: int, index: int):
        event = event_or_404(event_id)
        version = version_or_404(event_id, version_id)
        path = store.upload_path(version)
        try:
            titles = uploads.sheet_titles(path)
        except Exception:  # noqa: BLE001
            abort(404)
        if not 0 <= index < len(titles):
            abort(404)
        title, rows, truncated = uploads.sheet_rows(path, index)
        report = json.loads(version["report"])
        marked: dict[int, dict] = {}
        for p in report["problems"]:
            if p["row"] is not None and uploads.sheet_index(titles, p["sheet"]) == index:
                mark = marked.setdefault(p["row"], {"severity": "warning", "messages": []})
                mark["messages"].append(p["message"])
                if p["severity"] == "error":
                    mark["severity"] = "error"
        return render_template(
            "sheet.html",
            event=event,
            version=version,
            title=title,
            titles=titles,
            index=index,
            rows=rows,
            truncated=truncated,
            marked=marked,
        )

    @app.get("/events/<int:event_id>/versions/<int:version_id>/workbook.xlsx")
    def version_file(event_id: int, version_id: int):
        version = version_or_404(event_id, version_id)
        return send_file(
            store.upload_path(version),
            mimetype=XLSX_TYPE,
            as_attachment=True,
            download_name=f"registration-v{version['number']}.xlsx",
        )

    # ---------------------------------------------------------------- runs
    @app.post("/events/<int:event_id>/runs")
    def start_run(event_id: int):
        event_or_404(event_id)
        try:
            version_id = int(request.form.get("version", ""))
            limit = float(request.form.get("time_limit", DEFAULT_TIME_LIMIT))
        except ValueError:
            return event_page(event_id, upload_error="Choose a version and a time limit.", code=400)
        version = store.version(version_id)
        if version is None or version["event_id"] != event_id or not version["ok"]:
            return event_page(
                event_id,
                upload_error="That version has errors: upload a corrected workbook first.",
                code=400,
            )
        if not (math.isfinite(limit) and 1 <= limit <= MAX_TIME_LIMIT):
            return event_page(
                event_id,
                upload_error=f"The time limit must be between 1 and {MAX_TIME_LIMIT} seconds.",
                code=400,
            )
        previous, keep = None, None
        basis = request.form.get("previous", "")
        if basis:
            try:
                prev = store.run(int(basis))
            except ValueError:
                prev = None
            if prev is None or prev["event_id"] != event_id or prev["status"] != st.DONE:
                return event_page(
                    event_id, upload_error="Choose a finished run to re-plan.", code=400
                )
            previous = prev["id"]
            keep = "flexible" if request.form.get("keep") == "flexible" else "fixed"
        run_id = store.add_run(event_id, version_id, limit, previous, keep)
        app.extensions["sigmeet_enqueue"](run_id)
        return redirect(url_for("run", run_id=run_id))

    @app.post("/runs/<int:run_id>/again")
    def run_again(run_id: int):
        old = run_or_404(run_id)
        new = store.add_run(
            old["event_id"], old["version_id"], old["time_limit"], old["previous_run"], old["keep"]
        )
        app.extensions["sigmeet_enqueue"](new)
        return redirect(url_for("run", run_id=new))

    @app.post("/runs/<int:run_id>/stop")
    def stop_run(run_id: int):
        row = run_or_404(run_id)
        if row["status"] == st.QUEUED:
            store.update_run(
                run_id,
                status=st.CANCELLED,
                finished=st.now(),
                message="Cancelled before it started.",
            )
        elif row["status"] == st.RUNNING:
            store.update_run(run_id, status=st.STOPPING, stop_requested=1)
        return redirect(url_for("run", run_id=run_id))

    def progress_of(row) -> dict:
        seconds = row["seconds"] or 0.0
        limit = row["time_limit"]
        return {
            "status": row["status"],
            "phase": row["phase"] or "",
            "objective": row["objective"],
            "bound": row["bound"],
            "gap": row["gap"],
            "seconds": round(seconds, 1),
            "limit": limit,
            "percent": round(min(100.0, 100.0 * seconds / limit), 1) if limit else 0,
            "message": row["message"] or "",
            "solutions": row["solutions"],
            "active": row["status"] in st.ACTIVE,
        }

    @app.get("/runs/<int:run_id>/progress")
    def run_progress(run_id: int):
        return jsonify(progress_of(run_or_404(run_id)))

    def run_context(run_id: int):
        row = run_or_404(run_id)
        event = store.event(row["event_id"])
        version = store.version(row["version_id"])
        result = results.load(store.run_dir(run_id)) if row["status"] == st.DONE else None
        return row, event, version, result

    @app.get("/runs/<int:run_id>")
    def run(run_id: int):
        row, event, version, result = run_context(run_id)
        context = {
            "run": row,
            "event": event,
            "version": version,
            "result": result,
            "progress": progress_of(row),
            "previous": store.run(row["previous_run"]) if row["previous_run"] else None,
        }
        if result is not None:
            upload = store.upload_path(version)
            context.update(
                summary=results.summary(result, upload, version["original_name"]),
                histogram=results.meetings_histogram(result),
                table_use=results.table_use(result),
                changes=results.changes(result),
                files=[n for n in RUN_FILES if (store.out_dir(run_id) / n).is_file()],
            )
        return render_template("run.html", **context)

    def result_or_404(run_id: int):
        row, event, version, result = run_context(run_id)
        if result is None:
            abort(404)
        return row, event, version, result

    @app.get("/runs/<int:run_id>/wall-chart")
    def wall_chart(run_id: int):
        row, event, _, result = result_or_404(run_id)
        return render_template(
            "wall_chart.html", run=row, event=event, chart=results.wall_chart(result)
        )

    @app.get("/runs/<int:run_id>/unscheduled")
    def unscheduled(run_id: int):
        row, event, _, result = result_or_404(run_id)
        return render_template(
            "unscheduled.html", run=row, event=event, pairs=results.unscheduled(result)
        )

    @app.get("/runs/<int:run_id>/attendees")
    def attendees(run_id: int):
        row, event, _, result = result_or_404(run_id)
        agendas = results.agendas(result)
        people = [a for a in result.event.attendees if not a.cancelled]
        links = store.links(row["event_id"]) if event["published_run"] == run_id else {}
        return render_template(
            "attendees.html",
            run=row,
            event=event,
            people=people,
            counts={a: sum(i["kind"] == "meeting" for i in its) for a, its in agendas.items()},
            links=links,
        )

    def attendee_of(result, attendee_id: str):
        person = result.event.attendee.get(attendee_id)
        if person is None or person.cancelled:
            abort(404)
        return person

    @app.get("/runs/<int:run_id>/attendees/<attendee_id>")
    def attendee_agenda(run_id: int, attendee_id: str):
        row, event, _, result = result_or_404(run_id)
        person = attendee_of(result, attendee_id)
        return render_template(
            "agenda_organiser.html",
            run=row,
            event=event,
            person=person,
            items=results.agendas(result).get(attendee_id, []),
            facts=results.event_facts(result.event),
        )

    @app.get("/runs/<int:run_id>/attendees/<attendee_id>/agenda.<kind>")
    def attendee_file(run_id: int, attendee_id: str, kind: str):
        row, _, _, result = result_or_404(run_id)
        person = attendee_of(result, attendee_id)
        if kind not in ("xlsx", "ics"):
            abort(404)
        files = results.agenda_files(result, store.out_dir(run_id))
        relative = files[person.id][0 if kind == "xlsx" else 1]
        path = store.out_dir(run_id) / relative
        if not path.is_file():
            abort(404)
        return send_file(
            path,
            mimetype=XLSX_TYPE if kind == "xlsx" else "text/calendar",
            as_attachment=True,
            download_name=Path(relative).name,
        )

    @app.get("/runs/<int:run_id>/files/<name>")
    def run_file(run_id: int, name: str):
        row = run_or_404(run_id)
        if name not in RUN_FILES or row["status"] != st.DONE:
            abort(404)
        path = store.out_dir(run_id) / name  # name is one of RUN_FILES' own keys
        if not path.is_file():
            abort(404)
        return send_file(path, mimetype=RUN_FILES[name], as_attachment=True, download_name=name)

    @app.post("/runs/<int:run_id>/publish")
    def publish(run_id: int):
        row, event, version, result = result_or_404(run_id)
        event_id = row["event_id"]
        earlier = {}
        with store.db() as db:
            for r in db.execute(
                "SELECT attendee, agenda, calendar FROM published WHERE event_id=?", (event_id,)
            ):
                earlier[r["attendee"]] = (json.loads(r["agenda"]), bytes(r["calendar"]))
        entries = results.publication(
            result, store.upload_path(version), store.out_dir(run_id), earlier
        )
        for attendee in entries:
            store.token_for(event_id, attendee)
        store.publish(event_id, run_id, entries)
        flash(
            f"Run {row['number']} is published: {len(entries)} attendee links are live. "
            "Send each person their own link from the list below."
        )
        return redirect(url_for("attendees", run_id=run_id))

    # ---------------------------------------------------------------- sending agendas
    def done_run_or_404(run_id: int):
        row = run_or_404(run_id)
        if row["status"] != st.DONE:
            abort(404)
        return row

    def send_progress(send) -> dict:
        if send is None:
            return {"active": False}
        planned = send["planned"]
        handled = send["sent"] + send["already"] + send["failed"]
        return {
            "status": send["status"],
            "active": send["status"] in st.ACTIVE,
            "planned": planned,
            "sent": send["sent"],
            "already": send["already"],
            "failed": send["failed"],
            "to_go": max(0, planned - handled),
            "percent": round(100.0 * handled / planned, 1) if planned else 0,
            "message": send["message"] or "",
        }

    def outbox_page(run_id: int, errors=(), settings=None, code: int = 200):
        from scheduler.exports.schedule.changes_sheet import CHANGES_CSV
        from scheduler.mail.cli import PASSWORD_ENV as SMTP_PASSWORD_ENV
        from scheduler.mail.folder import FolderUnusable, read_recipients
        from scheduler.mail.log import SEND_LOG, read_log
        from scheduler.mail.outbox import plan_batch
        from scheduler.web import outbox

        row = done_run_or_404(run_id)
        event = store.event(row["event_id"])
        version = store.version(row["version_id"])
        out_dir = store.out_dir(run_id)
        batch, unusable = None, None
        try:
            batch = plan_batch(out_dir)
        except FolderUnusable as exc:
            unusable = str(exc)
        try:
            titles = uploads.sheet_titles(store.upload_path(version))
            attendees_sheet = uploads.sheet_index(titles, "Attendees")
        except Exception:  # noqa: BLE001 - an unreadable file has no sheets to link to
            attendees_sheet = None
        names = {}
        if unusable is None:
            names = {r.attendee: r.name for r in read_recipients(out_dir)}
        log = read_log(out_dir / SEND_LOG)
        done = {r.attendee for r in log if r.status == "sent"}
        sent_before = sum(o.recipient.attendee in done for o in batch.outgoing) if batch else 0
        sends = store.sends(run_id)
        latest = sends[0] if sends else None
        outcome = json.loads(latest["problems"]) if latest and latest["problems"] else {}
        return render_template(
            "outbox.html",
            run=row,
            event=event,
            version=version,
            settings=settings or outbox.load_settings(store),
            errors=errors,
            password_env=SMTP_PASSWORD_ENV,
            password_set=outbox.password_set(),
            replan=(out_dir / CHANGES_CSV).is_file(),
            batch=batch,
            unusable=unusable,
            attendees_sheet=attendees_sheet,
            latest=latest,
            outcome=outcome,
            progress=send_progress(latest),
            log=log,
            sent_before=sent_before,
            names=names,
        ), code

    @app.get("/runs/<int:run_id>/outbox")
    def outbox(run_id: int):
        return outbox_page(run_id)

    @app.post("/runs/<int:run_id>/outbox/settings")
    def outbox_settings(run_id: int):
        from scheduler.web import outbox as ob

        done_run_or_404(run_id)
        settings, errors = ob.parse_settings(request.form)
        if errors:
            return outbox_page(run_id, errors, settings, code=400)
        ob.save_settings(store, settings)
        flash("Mail server settings saved.")
        return redirect(url_for("outbox", run_id=run_id))

    @app.post("/runs/<int:run_id>/outbox/send")
    def outbox_send(run_id: int):
        from scheduler.mail.folder import FolderUnusable
        from scheduler.mail.outbox import plan_batch
        from scheduler.web import outbox as ob

        done_run_or_404(run_id)
        dry = request.form.get("dry_run") == "1"
        sends = store.sends(run_id)
        if sends and sends[0]["status"] in st.ACTIVE:
            flash("Sending is already under way; wait for it to finish.")
            return redirect(url_for("outbox", run_id=run_id))
        try:
            batch = plan_batch(store.out_dir(run_id))
        except FolderUnusable as exc:
            return outbox_page(run_id, [str(exc)], code=400)
        if batch.invalid:
            return outbox_page(
                run_id, ["Some addresses cannot be valid: fix them first."], code=400
            )
        settings = ob.load_settings(store)
        if not dry and not settings.complete:
            return outbox_page(run_id, ["Save the mail server settings first."], code=400)
        if not dry and settings.user and not ob.password_set():
            return outbox_page(
                run_id,
                ["The server's environment has no SMTP password; see the settings."],
                code=400,
            )
        send_id = store.add_send(run_id, dry)
        app.extensions["sigmeet_enqueue_send"](send_id)
        return redirect(url_for("outbox", run_id=run_id))

    @app.get("/runs/<int:run_id>/outbox/progress")
    def outbox_progress(run_id: int):
        done_run_or_404(run_id)
        sends = store.sends(run_id)
        return jsonify(send_progress(sends[0] if sends else None))

    # ---------------------------------------------------------------- attendees
    def published_or_404(token: str):
        if len(token) > 100:
            abort(404)
        row = store.by_token(token)
        if row is None:
            abort(404)
        return row

    @app.get("/a/<token>")
    def attendee(token: str):
        row = published_or_404(token)
        agenda = json.loads(row["agenda"])
        days: dict[str, list[dict]] = {}
        for item in agenda["items"]:
            days.setdefault(item["day"], []).append(item)
        feed = url_for("feed", token=token, _external=True)
        webcal = "webcal://" + feed.split("://", 1)[1]
        return render_template(
            "attendee.html", agenda=agenda, days=days, token=token, feed=feed, webcal=webcal
        )

    @app.get("/a/<token>/agenda.ics")
    def attendee_ics(token: str):
        row = published_or_404(token)
        return Response(
            bytes(row["calendar"]),
            mimetype="text/calendar",
            headers={"Content-Disposition": 'attachment; filename="agenda.ics"'},
        )

    @app.get("/feed/<token>.ics")
    def feed(token: str):
        row = published_or_404(token)
        return Response(
            bytes(row["calendar"]),
            mimetype="text/calendar",
            headers={"Cache-Control": "no-cache"},
        )

    return app
