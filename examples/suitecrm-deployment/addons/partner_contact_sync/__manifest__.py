# Copyright 2024 Acme Integrations GmbH
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Partner Contact Sync",
    "version": "17.0.1.0.0",
    "category": "Customer Relationship Management",
    "summary": "Two-way sync of partners and contacts with an external CRM over REST",
    "author": "Odoo Community Association (OCA)",
    "website": "https://github.com/OCA/partner-contact",
    "license": "AGPL-3",
    "depends": ["contacts"],
    "data": [
        "views/res_partner_views.xml",
    ],
    "installable": True,
    "application": False,
}
