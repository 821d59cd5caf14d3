# Copyright 2024 Acme Integrations GmbH
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    external_crm_id = fields.Char(
        string="External CRM ID",
        copy=False,
        index=True,
        help="Identifier of the matching account or contact in the external CRM.",
    )
    external_crm_synced_at = fields.Datetime(string="Last Synced", copy=False)

    _sql_constraints = [
        (
            "external_crm_id_uniq",
            "unique(external_crm_id)",
            "Another partner is already linked to this external CRM record.",
        ),
    ]

    def action_mark_synced(self):
        self.write({"external_crm_synced_at": fields.Datetime.now()})
        return True
