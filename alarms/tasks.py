"""Celery tasks of the alarm pipeline: thin and safe to repeat, each calls a service (STYLE.md).

Routed in settings.CELERY_TASK_ROUTES: fire alarms, notices, messages, the sweep and the
spool replay on ``critical``; telemetry on ``telemetry``.
"""

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def fire_alarm_process_task(event_id: int) -> None:
    from .services import event_process

    event_process(event_id=event_id)  # a second run finds the event processed (or claimed) and returns


@shared_task(acks_late=True, ignore_result=True)
def telemetry_process_task(event_ids: list[int]) -> int:
    from .services import telemetry_process

    return telemetry_process(event_ids=event_ids)


@shared_task(acks_late=True, ignore_result=True)
def notice_deliver_task(notice_id: int) -> None:
    from .services import notice_deliver

    notice_deliver(notice_id=notice_id)


@shared_task(acks_late=True, ignore_result=True)
def notifier_send_task(attempt_id: int) -> str:
    from .services import notifier_attempt_send

    return notifier_attempt_send(attempt_id=attempt_id)


@shared_task(acks_late=True, ignore_result=True)
def alarms_sweep_task() -> dict:
    from .services import alarms_sweep

    return alarms_sweep()


@shared_task(acks_late=True, ignore_result=True)
def spool_replay_task() -> int:
    from .spool import spool_replay

    return spool_replay()


@shared_task(acks_late=True, ignore_result=True)
def devices_offline_check_task() -> int:
    from .services import devices_offline_check

    return devices_offline_check()


@shared_task(acks_late=True, ignore_result=True)
def alarm_records_prune_task() -> dict:
    from .services import alarm_records_prune

    return alarm_records_prune()
