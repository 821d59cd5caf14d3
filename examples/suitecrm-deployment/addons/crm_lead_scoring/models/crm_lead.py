# Copyright 2025 Acme Integrations GmbH
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    suitecrm_activity_count = fields.Integer(
        string="SuiteCRM Activities",
        help="Calls, meetings and e-mails logged in SuiteCRM for this lead.",
    )
    acme_score = fields.Integer(
        string="Lead Score", compute="_compute_acme_score", store=True
    )

    @api.depends("suitecrm_activity_count", "expected_revenue", "email_from")
    def _compute_acme_score(self):
        for lead in self:
            score = min(lead.suitecrm_activity_count, 10) * 5
            score += 20 if lead.email_from else 0
            score += 30 if lead.expected_revenue >= 10000 else 0
            lead.acme_score = min(score, 100)
