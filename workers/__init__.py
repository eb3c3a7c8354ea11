"""The RQ runtime: the worker and scheduler processes (`python -m workers`), what keeps them going
through Redis outages (runtime.py) and the one list of periodic jobs (schedule.py). The jobs
themselves live beside their domain, in `fair/<domain>/jobs.py`."""
