"""Who may call what: the one table of staff rights (F-1.2), named by what they allow.

Routes name a right (``roles=rights.FILES``); group managers hold every right in their
dealerships (``domain.identity.authorize``). Device and customer routes are decided by their
credential, not here.
"""

from __future__ import annotations

from dealerlink.domain.identity import Role

CONFIGURATION = (Role.DEALER_MANAGER,)
"""Settings, users, devices, checklists, templates and predefined messages."""

TEMPLATES = (Role.DEALER_MANAGER, Role.GROUP_MANAGER)
"""Save, delete and add images to page templates; which ones (a dealership's or its group's) is
decided by the use case, since a group manager edits the group's and a dealer manager the
dealership's (F-9.5)."""

READ = (Role.BACK_OFFICE, Role.DEALER_MANAGER, Role.SALESPERSON)
"""Read a dealership's files, media, reminders and configuration."""

FILES = (Role.BACK_OFFICE, Role.SALESPERSON)
"""Create, edit, send and close files (interventions) and their media."""

REMINDERS = (Role.BACK_OFFICE, Role.DEALER_MANAGER)
"""Plan, delay, send and cancel reminders of declined works."""

CUSTOMER_PREFERENCES = (Role.BACK_OFFICE,)
"""Record a customer's opt-outs (F-7.3)."""
