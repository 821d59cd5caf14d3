/* SPDX-License-Identifier: MIT */
/*!
 * json_helper.js v1.2.0 - tolerant JSON helpers for legacy AJAX responses
 * Copyright (c) 2017-2021 The json_helper contributors
 * Released under the MIT license: https://opensource.org/licenses/MIT
 */
(function (root) {
  'use strict';

  // Strip the "while(1);" anti-hijacking prefix some endpoints still send.
  function stripGuard(text) {
    return String(text).replace(/^\s*while\s*\(1\);\s*/, '');
  }

  function parse(text, fallback) {
    try {
      return JSON.parse(stripGuard(text));
    } catch (e) {
      return fallback === undefined ? null : fallback;
    }
  }

  function stringify(value) {
    return JSON.stringify(value, function (key, v) {
      return v instanceof Date ? v.toISOString() : v;
    });
  }

  root.JSONHelper = { parse: parse, stringify: stringify };
})(typeof window !== 'undefined' ? window : this);
