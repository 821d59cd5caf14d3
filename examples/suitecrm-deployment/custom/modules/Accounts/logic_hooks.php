<?php
// SPDX-License-Identifier: AGPL-3.0-only
// Copyright (C) 2025 Acme Integrations GmbH
//
// Acme customisation of SuiteCRM, distributed under the GNU Affero General
// Public License version 3 like the program it modifies.

$hook_version = 1;
$hook_array = [];
$hook_array['after_save'] = [];
$hook_array['after_save'][] = [
    10,
    'Queue the account for partner sync with Odoo',
    'custom/modules/Accounts/AccountOdooSync.php',
    'AccountOdooSync',
    'queueAfterSave',
];
