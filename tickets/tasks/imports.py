from celery import shared_task


@shared_task(name="tickets.tasks.run_import")
def run_import(import_id):
    raise NotImplementedError
