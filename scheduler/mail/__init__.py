"""Sending attendees their agendas by e-mail: one message each (plain and HTML agenda, the
PDF and the calendar file attached), change-only notices after a re-plan, a send log so that
nothing is sent twice or lost. `outbox.deliver` is the one sender; the `sigmeet send`
command and the web app's outbox call it with a transport (`transport.py`)."""
