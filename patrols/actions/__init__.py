"""Every change in the patrols app: ``check_*`` validate, ``do_*`` write in a transaction and announce after commit.

Views, the API, tasks, imports, admin and demo data call these, so checks and scoping happen once.

- personnel: ``do_create_personnel``, ``do_update_personnel``, ``do_delete_personnel``,
  ``do_add_availability``, ``do_update_availability``, ``do_delete_availability``,
  ``do_add_reinforcement``, ``do_remove_reinforcement``
- imports: ``read_personnel_upload``, ``do_import_personnel`` (raises ``PersonnelImportError``)
- requirements: ``do_save_requirement``, ``do_delete_requirement``
- planning: ``do_request_plan``, ``do_request_replan``, ``do_cancel_plan``, ``do_publish_plan``,
  ``run_plan`` (the task's body)
- editing: ``check_edit`` (instant check, returns messages), ``do_assign``, ``do_lock``
- checkin: ``do_check_in``, ``detect_no_shows``
"""
