<?php
// SPDX-License-Identifier: AGPL-3.0-only
// Copyright (C) 2025 Acme Integrations GmbH
//
// Acme customisation of SuiteCRM, distributed under the GNU Affero General
// Public License version 3 like the program it modifies.

if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

class AccountOdooSync
{
    /**
     * after_save hook: queue a scheduler job that pushes the account to the
     * Odoo partner_contact_sync endpoint (addons/partner_contact_sync).
     */
    public function queueAfterSave(SugarBean $bean, $event, $arguments)
    {
        if (!empty($arguments['isUpdate']) && empty($bean->fetched_row)) {
            return;
        }
        $job = BeanFactory::newBean('SchedulersJobs');
        $job->name = 'Odoo partner sync: ' . $bean->name;
        $job->target = 'class::AcmeOdooPartnerSyncJob';
        $job->data = json_encode(['account_id' => $bean->id]);
        $job->assigned_user_id = $bean->modified_user_id;

        (new SugarJobQueue())->submitJob($job);
    }
}
