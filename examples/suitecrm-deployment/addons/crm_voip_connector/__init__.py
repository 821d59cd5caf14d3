# Part of Nimbus Apps. See LICENSE file for full copyright and licensing details.

from . import models
