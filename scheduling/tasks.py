"""Background tasks of planning: primitive arguments in, a service call out."""
from django_tasks import task


@task()
def run_solver(run_id: int, workers: int = 2) -> str:
    from .services import execute_run

    return execute_run(run_id, workers).status


@task()
def send_change_notices() -> int:
    """Facilitators about their sessions' changes, prison staff about their units' sessions changed, the
    gate about the outside people expected, and what the mail server refused before, tried again."""
    from .outbox import send_pending_emails

    return sum(send_pending_emails().values())


@task()
def tell_coordinators_of_absence(absence_id: int) -> int:
    from .notices import tell_coordinators_of_absence as tell

    return tell(absence_id)


@task()
def tell_coordinators_of_availability_change(facilitator_id: int) -> int:
    from .notices import tell_coordinators_of_availability_change as tell

    return tell(facilitator_id)
