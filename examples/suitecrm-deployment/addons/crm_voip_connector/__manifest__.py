# Part of Nimbus Apps. See LICENSE file for full copyright and licensing details.
{
    "name": "CRM VoIP Connector (SIP / WebRTC)",
    "version": "17.0.1.0.0",
    "category": "Sales/CRM",
    "summary": "Click-to-call, call logging and screen pop for CRM leads and contacts",
    "author": "Nimbus Apps",
    "website": "https://apps.nimbus-apps.example",
    "license": "OPL-1",
    "depends": ["crm", "mail", "phone_validation"],
    "data": [
        "security/ir.model.access.csv",
        "views/voip_call_views.xml",
    ],
    "installable": True,
    "application": True,
    "price": 149.0,
    "currency": "EUR",
    "support": "support@nimbus-apps.example",
}
