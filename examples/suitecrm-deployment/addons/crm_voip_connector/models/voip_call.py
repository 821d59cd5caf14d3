# Part of Nimbus Apps. See LICENSE file for full copyright and licensing details.

from odoo import fields, models


class VoipCall(models.Model):
    _name = "nimbus.voip.call"
    _description = "VoIP Call"
    _inherit = ["mail.thread"]
    _order = "start_time desc"

    name = fields.Char(string="Number", required=True)
    direction = fields.Selection(
        [("in", "Inbound"), ("out", "Outbound")], required=True, default="out"
    )
    partner_id = fields.Many2one("res.partner", string="Contact")
    lead_id = fields.Many2one("crm.lead", string="Lead/Opportunity")
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user)
    start_time = fields.Datetime(default=fields.Datetime.now)
    duration = fields.Float(string="Duration (min)")
    state = fields.Selection(
        [("ringing", "Ringing"), ("answered", "Answered"), ("missed", "Missed")],
        default="ringing",
    )
