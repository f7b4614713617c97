"""Upkeep: keeping a desk healthy — source health (`health`), the database's backups, vacuum
and pruning (`database`), the schedule (`cron`) and the end-to-end check (`doctor`).
"""
