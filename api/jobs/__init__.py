"""Jobs: batch plans run asynchronously for the API (`/v1/plans`), and the console's
season designs (jobs of kind `design`, run by the same runner).

records.py   the jobs in the store, each change one guarded transaction
options.py   what a client may ask of a plan (query parameters of the POST)
service.py   what each route does: upload -> job, read, cancel, result files
runner.py    the server's thread that runs queued jobs, each in a process of its own
work.py      that process: plan the job's orders, write its files, record the outcome
design_options.py, design_work.py   the same for a design job: a forecast's season
files.py     where a job's data lie (`GLOCAL_PLANS_DIR`)
views.py     a job as the API shows it (its JSON shape: api.schemas.plans)
"""

from api.jobs.records import STATES, JobRecords, PlanJob
from api.jobs.runner import JobRunner, RunnerConfig
from api.jobs.views import job_view

__all__ = ["STATES", "JobRecords", "JobRunner", "PlanJob", "RunnerConfig", "job_view"]
