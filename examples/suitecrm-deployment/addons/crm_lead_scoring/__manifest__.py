# Copyright 2025 Acme Integrations GmbH
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "CRM Lead Scoring",
    "version": "17.0.1.0.0",
    "category": "Sales/CRM",
    "summary": "Score leads from SuiteCRM activity and website engagement",
    "author": "Acme Integrations GmbH",
    "website": "https://www.acme-integrations.example",
    "license": "LGPL-3",
    "depends": ["crm"],
    "data": [
        "views/crm_lead_views.xml",
    ],
    "installable": True,
    "application": False,
}
