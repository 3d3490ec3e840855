from celery import shared_task


@shared_task(name="tickets.tasks.run_export")
def run_export(export_id):
    raise NotImplementedError
