"""sigmeet's web app: organisers upload, validate, schedule, review and publish in the browser;
attendees open their agenda and calendar through a personal link. `sigmeet serve` starts it
(scheduler/web/serve.py); it calls the same pipeline steps as the command line.

  store.py    SQLite records and the data folder's generated file names
  uploads.py  upload checks, the validation report, the sheet view
  jobs.py     the huey queue and its task; runner.py the solver process it starts
  results.py  what the result pages and the published agendas and feeds show
  app.py      the Flask app: routes, login, CSRF; templates/ and static/ its pages
"""
