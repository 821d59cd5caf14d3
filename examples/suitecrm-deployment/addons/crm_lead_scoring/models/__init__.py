# Copyright 2025 Acme Integrations GmbH
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from . import crm_lead
