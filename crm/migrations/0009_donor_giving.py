"""Stored giving summaries (crm_donorgiving), kept right by triggers (live version: crm.giving.sql)."""

import django.db.models.deletion
from django.db import migrations, models


# The SQL as it stood when this migration was written (issue 12 froze it here: a migration must not
# import code that can change or move). crm/giving/sql.py is the live version; post_migrate
# (crm.giving.receivers.reinstall_giving_triggers) reinstalls the live triggers when they differ by name.
GIVING_SQL = {'postgresql': {'indexes': ['CREATE INDEX IF NOT EXISTS crm_giving_last_gift_desc_idx ON crm_donorgiving '
                            '(last_gift_at DESC NULLS LAST, donor_id DESC);',
                            'CREATE INDEX IF NOT EXISTS crm_giving_member_since_desc_idx ON crm_donorgiving '
                            '(member_since DESC NULLS LAST, donor_id DESC);'],
                'drop_indexes': ['DROP INDEX IF EXISTS crm_giving_last_gift_desc_idx;',
                                 'DROP INDEX IF EXISTS crm_giving_member_since_desc_idx;'],
                'install': ['\n'
                            'CREATE OR REPLACE FUNCTION crm_giving_recount_gifts(donor_ids bigint[]) RETURNS '
                            'integer\n'
                            'LANGUAGE plpgsql AS $$\n'
                            'DECLARE\n'
                            '    changed integer;\n'
                            'BEGIN\n'
                            '    IF donor_ids IS NULL OR cardinality(donor_ids) = 0 THEN\n'
                            '        RETURN 0;\n'
                            '    END IF;\n'
                            '    PERFORM 1 FROM crm_donorgiving WHERE donor_id = ANY(donor_ids) ORDER BY '
                            'donor_id FOR UPDATE;\n'
                            '    UPDATE crm_donorgiving g\n'
                            '    SET lifetime_value = s.lifetime_value, gift_count = s.gift_count,\n'
                            '        first_gift_at = s.first_gift_at, last_gift_at = s.last_gift_at\n'
                            '    FROM (\n'
                            '        SELECT d.donor_id,\n'
                            '               COALESCE(SUM(x.amount - x.amount_refunded), 0) AS '
                            'lifetime_value,\n'
                            '               COUNT(x.id) AS gift_count,\n'
                            '               MIN(x.received_at) AS first_gift_at,\n'
                            '               MAX(x.received_at) AS last_gift_at\n'
                            '        FROM (SELECT DISTINCT unnest(donor_ids) AS donor_id) d\n'
                            '        LEFT JOIN crm_donation x ON x.donor_id = d.donor_id AND x.status = '
                            "'succeeded' AND x.currency = 'JPY'\n"
                            '        GROUP BY d.donor_id\n'
                            '    ) s\n'
                            '    WHERE g.donor_id = s.donor_id\n'
                            '      AND (g.lifetime_value, g.gift_count, g.first_gift_at, g.last_gift_at)\n'
                            '          IS DISTINCT FROM (s.lifetime_value, s.gift_count, s.first_gift_at, '
                            's.last_gift_at);\n'
                            '    GET DIAGNOSTICS changed = ROW_COUNT;\n'
                            '    RETURN changed;\n'
                            'END $$;\n'
                            '\n'
                            'CREATE OR REPLACE FUNCTION crm_giving_recount_membership(donor_ids bigint[]) '
                            'RETURNS integer\n'
                            'LANGUAGE plpgsql AS $$\n'
                            'DECLARE\n'
                            '    changed integer;\n'
                            'BEGIN\n'
                            '    IF donor_ids IS NULL OR cardinality(donor_ids) = 0 THEN\n'
                            '        RETURN 0;\n'
                            '    END IF;\n'
                            '    PERFORM 1 FROM crm_donorgiving WHERE donor_id = ANY(donor_ids) ORDER BY '
                            'donor_id FOR UPDATE;\n'
                            '    UPDATE crm_donorgiving g\n'
                            '    SET is_member = s.is_member, member_since = s.member_since, monthly_amount '
                            '= s.monthly_amount\n'
                            '    FROM (\n'
                            '        SELECT d.donor_id,\n'
                            '               COUNT(r.id) > 0 AS is_member,\n'
                            '               MIN(r.started_at) AS member_since,\n'
                            "               COALESCE(SUM(CASE WHEN r.currency = 'JPY' THEN CASE WHEN "
                            'r."interval" = \'year\' THEN r.amount / 12 ELSE r.amount END END), 0) AS '
                            'monthly_amount\n'
                            '        FROM (SELECT DISTINCT unnest(donor_ids) AS donor_id) d\n'
                            '        LEFT JOIN crm_recurringdonation r ON r.donor_id = d.donor_id AND '
                            "r.status = 'active'\n"
                            '        GROUP BY d.donor_id\n'
                            '    ) s\n'
                            '    WHERE g.donor_id = s.donor_id\n'
                            '      AND (g.is_member, g.member_since, g.monthly_amount)\n'
                            '          IS DISTINCT FROM (s.is_member, s.member_since, s.monthly_amount);\n'
                            '    GET DIAGNOSTICS changed = ROW_COUNT;\n'
                            '    RETURN changed;\n'
                            'END $$;\n',
                            'CREATE OR REPLACE FUNCTION crm_giving_donor_inserted() RETURNS trigger LANGUAGE '
                            'plpgsql AS $$\n'
                            'BEGIN\n'
                            '    INSERT INTO crm_donorgiving (donor_id, lifetime_value, gift_count, '
                            'first_gift_at, last_gift_at, is_member, member_since, monthly_amount) SELECT '
                            'id, 0, 0, NULL, NULL, FALSE, NULL, 0 FROM new_rows ON CONFLICT (donor_id) DO '
                            'NOTHING;\n'
                            '    RETURN NULL;\n'
                            'END $$;',
                            'DROP TRIGGER IF EXISTS crm_giving_donor_inserted ON crm_donor;',
                            'CREATE TRIGGER crm_giving_donor_inserted AFTER INSERT ON crm_donor REFERENCING '
                            'NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION '
                            'crm_giving_donor_inserted();',
                            'CREATE OR REPLACE FUNCTION crm_giving_donation_inserted() RETURNS trigger '
                            'LANGUAGE plpgsql AS $$\n'
                            'BEGIN\n'
                            '    UPDATE crm_donorgiving g\n'
                            '        SET lifetime_value = g.lifetime_value + s.total, gift_count = '
                            'g.gift_count + s.gifts,\n'
                            '            first_gift_at = LEAST(g.first_gift_at, s.first_at),\n'
                            '            last_gift_at = GREATEST(g.last_gift_at, s.last_at)\n'
                            '        FROM (\n'
                            '            SELECT donor_id, SUM(amount - amount_refunded) AS total, COUNT(*) '
                            'AS gifts,\n'
                            '                   MIN(received_at) AS first_at, MAX(received_at) AS last_at\n'
                            "            FROM new_rows WHERE status = 'succeeded' AND currency = 'JPY' GROUP "
                            'BY donor_id\n'
                            '        ) s\n'
                            '        WHERE g.donor_id = s.donor_id;\n'
                            '    RETURN NULL;\n'
                            'END $$;',
                            'DROP TRIGGER IF EXISTS crm_giving_donation_inserted ON crm_donation;',
                            'CREATE TRIGGER crm_giving_donation_inserted AFTER INSERT ON crm_donation '
                            'REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION '
                            'crm_giving_donation_inserted();',
                            'CREATE OR REPLACE FUNCTION crm_giving_donation_updated() RETURNS trigger '
                            'LANGUAGE plpgsql AS $$\n'
                            'BEGIN\n'
                            '    PERFORM crm_giving_recount_gifts(ARRAY(\n'
                            '            SELECT DISTINCT u.donor_id\n'
                            '            FROM old_rows o JOIN new_rows n ON n.id = o.id,\n'
                            '                 LATERAL (VALUES (o.donor_id), (n.donor_id)) AS u(donor_id)\n'
                            '            WHERE (o.donor_id, o.amount, o.amount_refunded, o.currency, '
                            'o.status, o.received_at) IS DISTINCT FROM (n.donor_id, n.amount, '
                            'n.amount_refunded, n.currency, n.status, n.received_at)\n'
                            "              AND ((o.status = 'succeeded' AND o.currency = 'JPY') OR (n.status "
                            "= 'succeeded' AND n.currency = 'JPY'))\n"
                            '        ));\n'
                            '    RETURN NULL;\n'
                            'END $$;',
                            'DROP TRIGGER IF EXISTS crm_giving_donation_updated ON crm_donation;',
                            'CREATE TRIGGER crm_giving_donation_updated AFTER UPDATE ON crm_donation '
                            'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT '
                            'EXECUTE FUNCTION crm_giving_donation_updated();',
                            'CREATE OR REPLACE FUNCTION crm_giving_donation_deleted() RETURNS trigger '
                            'LANGUAGE plpgsql AS $$\n'
                            'BEGIN\n'
                            '    PERFORM crm_giving_recount_gifts(ARRAY(SELECT DISTINCT donor_id FROM '
                            "old_rows WHERE status = 'succeeded' AND currency = 'JPY'));\n"
                            '    RETURN NULL;\n'
                            'END $$;',
                            'DROP TRIGGER IF EXISTS crm_giving_donation_deleted ON crm_donation;',
                            'CREATE TRIGGER crm_giving_donation_deleted AFTER DELETE ON crm_donation '
                            'REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION '
                            'crm_giving_donation_deleted();',
                            'CREATE OR REPLACE FUNCTION crm_giving_recurring_inserted() RETURNS trigger '
                            'LANGUAGE plpgsql AS $$\n'
                            'BEGIN\n'
                            '    PERFORM crm_giving_recount_membership(ARRAY(SELECT DISTINCT donor_id FROM '
                            "new_rows WHERE status = 'active'));\n"
                            '    RETURN NULL;\n'
                            'END $$;',
                            'DROP TRIGGER IF EXISTS crm_giving_recurring_inserted ON crm_recurringdonation;',
                            'CREATE TRIGGER crm_giving_recurring_inserted AFTER INSERT ON '
                            'crm_recurringdonation REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT '
                            'EXECUTE FUNCTION crm_giving_recurring_inserted();',
                            'CREATE OR REPLACE FUNCTION crm_giving_recurring_updated() RETURNS trigger '
                            'LANGUAGE plpgsql AS $$\n'
                            'BEGIN\n'
                            '    PERFORM crm_giving_recount_membership(ARRAY(\n'
                            '            SELECT DISTINCT u.donor_id\n'
                            '            FROM old_rows o JOIN new_rows n ON n.id = o.id,\n'
                            '                 LATERAL (VALUES (o.donor_id), (n.donor_id)) AS u(donor_id)\n'
                            '            WHERE (o.donor_id, o.amount, o.currency, o."interval", o.status, '
                            'o.started_at) IS DISTINCT FROM (n.donor_id, n.amount, n.currency, n."interval", '
                            "n.status, n.started_at) AND (o.status = 'active' OR n.status = 'active')\n"
                            '        ));\n'
                            '    RETURN NULL;\n'
                            'END $$;',
                            'DROP TRIGGER IF EXISTS crm_giving_recurring_updated ON crm_recurringdonation;',
                            'CREATE TRIGGER crm_giving_recurring_updated AFTER UPDATE ON '
                            'crm_recurringdonation REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                            'FOR EACH STATEMENT EXECUTE FUNCTION crm_giving_recurring_updated();',
                            'CREATE OR REPLACE FUNCTION crm_giving_recurring_deleted() RETURNS trigger '
                            'LANGUAGE plpgsql AS $$\n'
                            'BEGIN\n'
                            '    PERFORM crm_giving_recount_membership(ARRAY(SELECT DISTINCT donor_id FROM '
                            "old_rows WHERE status = 'active'));\n"
                            '    RETURN NULL;\n'
                            'END $$;',
                            'DROP TRIGGER IF EXISTS crm_giving_recurring_deleted ON crm_recurringdonation;',
                            'CREATE TRIGGER crm_giving_recurring_deleted AFTER DELETE ON '
                            'crm_recurringdonation REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT '
                            'EXECUTE FUNCTION crm_giving_recurring_deleted();'],
                'uninstall': ['DROP TRIGGER IF EXISTS crm_giving_donor_inserted ON crm_donor;',
                              'DROP FUNCTION IF EXISTS crm_giving_donor_inserted();',
                              'DROP TRIGGER IF EXISTS crm_giving_donation_inserted ON crm_donation;',
                              'DROP FUNCTION IF EXISTS crm_giving_donation_inserted();',
                              'DROP TRIGGER IF EXISTS crm_giving_donation_updated ON crm_donation;',
                              'DROP FUNCTION IF EXISTS crm_giving_donation_updated();',
                              'DROP TRIGGER IF EXISTS crm_giving_donation_deleted ON crm_donation;',
                              'DROP FUNCTION IF EXISTS crm_giving_donation_deleted();',
                              'DROP TRIGGER IF EXISTS crm_giving_recurring_inserted ON '
                              'crm_recurringdonation;',
                              'DROP FUNCTION IF EXISTS crm_giving_recurring_inserted();',
                              'DROP TRIGGER IF EXISTS crm_giving_recurring_updated ON crm_recurringdonation;',
                              'DROP FUNCTION IF EXISTS crm_giving_recurring_updated();',
                              'DROP TRIGGER IF EXISTS crm_giving_recurring_deleted ON crm_recurringdonation;',
                              'DROP FUNCTION IF EXISTS crm_giving_recurring_deleted();',
                              'DROP FUNCTION IF EXISTS crm_giving_recount_gifts(bigint[]);',
                              'DROP FUNCTION IF EXISTS crm_giving_recount_membership(bigint[]);'],
                'fill': ['INSERT INTO crm_donorgiving (donor_id, lifetime_value, gift_count, first_gift_at, '
                         'last_gift_at, is_member, member_since, monthly_amount) SELECT d.id, 0, 0, NULL, '
                         'NULL, FALSE, NULL, 0 FROM crm_donor d WHERE (TRUE) AND NOT EXISTS (SELECT 1 FROM '
                         'crm_donorgiving g WHERE g.donor_id = d.id)',
                         'UPDATE crm_donorgiving g\n'
                         '    SET lifetime_value = s.lifetime_value, gift_count = s.gift_count,\n'
                         '        first_gift_at = s.first_gift_at, last_gift_at = s.last_gift_at\n'
                         '    FROM (\n'
                         '        SELECT g2.donor_id, COALESCE(a.lifetime_value, 0) AS lifetime_value,\n'
                         '               COALESCE(a.gift_count, 0) AS gift_count, a.first_gift_at, '
                         'a.last_gift_at\n'
                         '        FROM crm_donorgiving g2 LEFT JOIN (\n'
                         '            SELECT donor_id, SUM(amount - amount_refunded) AS lifetime_value, '
                         'COUNT(*) AS gift_count,\n'
                         '                   MIN(received_at) AS first_gift_at, MAX(received_at) AS '
                         'last_gift_at\n'
                         "            FROM crm_donation WHERE status = 'succeeded' AND currency = 'JPY' "
                         'GROUP BY donor_id\n'
                         '        ) a ON a.donor_id = g2.donor_id\n'
                         '    ) s\n'
                         '    WHERE g.donor_id = s.donor_id\n'
                         '      AND (g.lifetime_value, g.gift_count, g.first_gift_at, g.last_gift_at)\n'
                         '          IS DISTINCT FROM (s.lifetime_value, s.gift_count, s.first_gift_at, '
                         's.last_gift_at)',
                         'UPDATE crm_donorgiving g\n'
                         '    SET is_member = s.is_member, member_since = s.member_since, monthly_amount = '
                         's.monthly_amount\n'
                         '    FROM (\n'
                         '        SELECT g2.donor_id, a.donor_id IS NOT NULL AS is_member, a.member_since,\n'
                         '               COALESCE(a.monthly_amount, 0) AS monthly_amount\n'
                         '        FROM crm_donorgiving g2 LEFT JOIN (\n'
                         '            SELECT donor_id, MIN(started_at) AS member_since, COALESCE(SUM(CASE '
                         'WHEN currency = \'JPY\' THEN CASE WHEN "interval" = \'year\' THEN amount / 12 ELSE '
                         'amount END END), 0) AS monthly_amount\n'
                         "            FROM crm_recurringdonation WHERE status = 'active' GROUP BY donor_id\n"
                         '        ) a ON a.donor_id = g2.donor_id\n'
                         '    ) s\n'
                         '    WHERE g.donor_id = s.donor_id\n'
                         '      AND (g.is_member, g.member_since, g.monthly_amount)\n'
                         '          IS DISTINCT FROM (s.is_member, s.member_since, s.monthly_amount)']},
 'sqlite': {'indexes': [],
            'drop_indexes': [],
            'install': ['DROP TRIGGER IF EXISTS crm_giving_donor_inserted;',
                        'CREATE TRIGGER crm_giving_donor_inserted AFTER INSERT ON crm_donor BEGIN\n'
                        '                INSERT OR IGNORE INTO crm_donorgiving (donor_id, lifetime_value, '
                        'gift_count, first_gift_at, last_gift_at, is_member, member_since, monthly_amount) '
                        'VALUES (NEW.id, 0, 0, NULL, NULL, FALSE, NULL, 0);\n'
                        '            END;',
                        'DROP TRIGGER IF EXISTS crm_giving_donation_inserted;',
                        'CREATE TRIGGER crm_giving_donation_inserted AFTER INSERT ON crm_donation WHEN '
                        "NEW.status = 'succeeded' AND NEW.currency = 'JPY' BEGIN\n"
                        '                UPDATE crm_donorgiving SET\n'
                        '                    lifetime_value = lifetime_value + NEW.amount - '
                        'NEW.amount_refunded,\n'
                        '                    gift_count = gift_count + 1,\n'
                        '                    first_gift_at = CASE WHEN first_gift_at IS NULL OR '
                        'NEW.received_at < first_gift_at\n'
                        '                                         THEN NEW.received_at ELSE first_gift_at '
                        'END,\n'
                        '                    last_gift_at = CASE WHEN last_gift_at IS NULL OR '
                        'NEW.received_at > last_gift_at\n'
                        '                                        THEN NEW.received_at ELSE last_gift_at END\n'
                        '                WHERE donor_id = NEW.donor_id;\n'
                        '            END;',
                        'DROP TRIGGER IF EXISTS crm_giving_donation_updated;',
                        'CREATE TRIGGER crm_giving_donation_updated AFTER UPDATE OF donor_id, amount, '
                        'amount_refunded, currency, status, received_at ON crm_donation\n'
                        '            WHEN (OLD.donor_id IS NOT NEW.donor_id OR OLD.amount IS NOT NEW.amount '
                        'OR OLD.amount_refunded IS NOT NEW.amount_refunded OR OLD.currency IS NOT '
                        'NEW.currency OR OLD.status IS NOT NEW.status OR OLD.received_at IS NOT '
                        "NEW.received_at) AND ((OLD.status = 'succeeded' AND OLD.currency = 'JPY') OR "
                        "(NEW.status = 'succeeded' AND NEW.currency = 'JPY')) BEGIN\n"
                        '                UPDATE crm_donorgiving SET\n'
                        '        lifetime_value = COALESCE((SELECT SUM(x.amount - x.amount_refunded) FROM '
                        'crm_donation x WHERE x.donor_id = crm_donorgiving.donor_id AND x.status = '
                        "'succeeded' AND x.currency = 'JPY'), 0),\n"
                        '        gift_count = (SELECT COUNT(*) FROM crm_donation x WHERE x.donor_id = '
                        "crm_donorgiving.donor_id AND x.status = 'succeeded' AND x.currency = 'JPY'),\n"
                        '        first_gift_at = (SELECT MIN(x.received_at) FROM crm_donation x WHERE '
                        "x.donor_id = crm_donorgiving.donor_id AND x.status = 'succeeded' AND x.currency = "
                        "'JPY'),\n"
                        '        last_gift_at = (SELECT MAX(x.received_at) FROM crm_donation x WHERE '
                        "x.donor_id = crm_donorgiving.donor_id AND x.status = 'succeeded' AND x.currency = "
                        "'JPY')\n"
                        '    WHERE donor_id IN (OLD.donor_id, NEW.donor_id);\n'
                        '            END;',
                        'DROP TRIGGER IF EXISTS crm_giving_donation_deleted;',
                        'CREATE TRIGGER crm_giving_donation_deleted AFTER DELETE ON crm_donation WHEN '
                        "OLD.status = 'succeeded' AND OLD.currency = 'JPY' BEGIN\n"
                        '                UPDATE crm_donorgiving SET\n'
                        '        lifetime_value = COALESCE((SELECT SUM(x.amount - x.amount_refunded) FROM '
                        'crm_donation x WHERE x.donor_id = crm_donorgiving.donor_id AND x.status = '
                        "'succeeded' AND x.currency = 'JPY'), 0),\n"
                        '        gift_count = (SELECT COUNT(*) FROM crm_donation x WHERE x.donor_id = '
                        "crm_donorgiving.donor_id AND x.status = 'succeeded' AND x.currency = 'JPY'),\n"
                        '        first_gift_at = (SELECT MIN(x.received_at) FROM crm_donation x WHERE '
                        "x.donor_id = crm_donorgiving.donor_id AND x.status = 'succeeded' AND x.currency = "
                        "'JPY'),\n"
                        '        last_gift_at = (SELECT MAX(x.received_at) FROM crm_donation x WHERE '
                        "x.donor_id = crm_donorgiving.donor_id AND x.status = 'succeeded' AND x.currency = "
                        "'JPY')\n"
                        '    WHERE donor_id = OLD.donor_id;\n'
                        '            END;',
                        'DROP TRIGGER IF EXISTS crm_giving_recurring_inserted;',
                        'CREATE TRIGGER crm_giving_recurring_inserted AFTER INSERT ON crm_recurringdonation '
                        "WHEN NEW.status = 'active' BEGIN\n"
                        '                UPDATE crm_donorgiving SET\n'
                        '        is_member = EXISTS (SELECT 1 FROM crm_recurringdonation r WHERE r.donor_id '
                        "= crm_donorgiving.donor_id AND r.status = 'active'),\n"
                        '        member_since = (SELECT MIN(r.started_at) FROM crm_recurringdonation r WHERE '
                        "r.donor_id = crm_donorgiving.donor_id AND r.status = 'active'),\n"
                        "        monthly_amount = COALESCE((SELECT SUM(CASE WHEN r.currency = 'JPY' THEN "
                        'CASE WHEN r."interval" = \'year\' THEN r.amount / 12 ELSE r.amount END END) FROM '
                        'crm_recurringdonation r WHERE r.donor_id = crm_donorgiving.donor_id AND r.status = '
                        "'active'), 0)\n"
                        '    WHERE donor_id = NEW.donor_id;\n'
                        '            END;',
                        'DROP TRIGGER IF EXISTS crm_giving_recurring_updated;',
                        'CREATE TRIGGER crm_giving_recurring_updated AFTER UPDATE OF donor_id, amount, '
                        'currency, "interval", status, started_at ON crm_recurringdonation\n'
                        '            WHEN (OLD.donor_id IS NOT NEW.donor_id OR OLD.amount IS NOT NEW.amount '
                        'OR OLD.currency IS NOT NEW.currency OR OLD."interval" IS NOT NEW."interval" OR '
                        'OLD.status IS NOT NEW.status OR OLD.started_at IS NOT NEW.started_at) AND '
                        "(OLD.status = 'active' OR NEW.status = 'active')\n"
                        '            BEGIN\n'
                        '                UPDATE crm_donorgiving SET\n'
                        '        is_member = EXISTS (SELECT 1 FROM crm_recurringdonation r WHERE r.donor_id '
                        "= crm_donorgiving.donor_id AND r.status = 'active'),\n"
                        '        member_since = (SELECT MIN(r.started_at) FROM crm_recurringdonation r WHERE '
                        "r.donor_id = crm_donorgiving.donor_id AND r.status = 'active'),\n"
                        "        monthly_amount = COALESCE((SELECT SUM(CASE WHEN r.currency = 'JPY' THEN "
                        'CASE WHEN r."interval" = \'year\' THEN r.amount / 12 ELSE r.amount END END) FROM '
                        'crm_recurringdonation r WHERE r.donor_id = crm_donorgiving.donor_id AND r.status = '
                        "'active'), 0)\n"
                        '    WHERE donor_id IN (OLD.donor_id, NEW.donor_id);\n'
                        '            END;',
                        'DROP TRIGGER IF EXISTS crm_giving_recurring_deleted;',
                        'CREATE TRIGGER crm_giving_recurring_deleted AFTER DELETE ON crm_recurringdonation '
                        "WHEN OLD.status = 'active' BEGIN\n"
                        '                UPDATE crm_donorgiving SET\n'
                        '        is_member = EXISTS (SELECT 1 FROM crm_recurringdonation r WHERE r.donor_id '
                        "= crm_donorgiving.donor_id AND r.status = 'active'),\n"
                        '        member_since = (SELECT MIN(r.started_at) FROM crm_recurringdonation r WHERE '
                        "r.donor_id = crm_donorgiving.donor_id AND r.status = 'active'),\n"
                        "        monthly_amount = COALESCE((SELECT SUM(CASE WHEN r.currency = 'JPY' THEN "
                        'CASE WHEN r."interval" = \'year\' THEN r.amount / 12 ELSE r.amount END END) FROM '
                        'crm_recurringdonation r WHERE r.donor_id = crm_donorgiving.donor_id AND r.status = '
                        "'active'), 0)\n"
                        '    WHERE donor_id = OLD.donor_id;\n'
                        '            END;'],
            'uninstall': ['DROP TRIGGER IF EXISTS crm_giving_donor_inserted;',
                          'DROP TRIGGER IF EXISTS crm_giving_donation_inserted;',
                          'DROP TRIGGER IF EXISTS crm_giving_donation_updated;',
                          'DROP TRIGGER IF EXISTS crm_giving_donation_deleted;',
                          'DROP TRIGGER IF EXISTS crm_giving_recurring_inserted;',
                          'DROP TRIGGER IF EXISTS crm_giving_recurring_updated;',
                          'DROP TRIGGER IF EXISTS crm_giving_recurring_deleted;'],
            'fill': ['INSERT INTO crm_donorgiving (donor_id, lifetime_value, gift_count, first_gift_at, '
                     'last_gift_at, is_member, member_since, monthly_amount) SELECT d.id, 0, 0, NULL, NULL, '
                     'FALSE, NULL, 0 FROM crm_donor d WHERE (TRUE) AND NOT EXISTS (SELECT 1 FROM '
                     'crm_donorgiving g WHERE g.donor_id = d.id)',
                     'UPDATE crm_donorgiving SET lifetime_value = s.lifetime_value, gift_count = '
                     's.gift_count,\n'
                     '            first_gift_at = s.first_gift_at, last_gift_at = s.last_gift_at\n'
                     '        FROM (\n'
                     '            SELECT g.donor_id, COALESCE(SUM(x.amount - x.amount_refunded), 0) AS '
                     'lifetime_value,\n'
                     '                   COUNT(x.id) AS gift_count, MIN(x.received_at) AS first_gift_at,\n'
                     '                   MAX(x.received_at) AS last_gift_at\n'
                     '            FROM crm_donorgiving g LEFT JOIN crm_donation x ON x.donor_id = g.donor_id '
                     "AND x.status = 'succeeded' AND x.currency = 'JPY'\n"
                     '            WHERE TRUE GROUP BY g.donor_id\n'
                     '        ) s\n'
                     '        WHERE crm_donorgiving.donor_id = s.donor_id\n'
                     '          AND (crm_donorgiving.lifetime_value IS NOT s.lifetime_value OR '
                     'crm_donorgiving.gift_count IS NOT s.gift_count\n'
                     '               OR crm_donorgiving.first_gift_at IS NOT s.first_gift_at OR '
                     'crm_donorgiving.last_gift_at IS NOT s.last_gift_at)',
                     'UPDATE crm_donorgiving SET is_member = s.is_member, member_since = s.member_since,\n'
                     '            monthly_amount = s.monthly_amount\n'
                     '        FROM (\n'
                     '            SELECT g.donor_id, COUNT(r.id) > 0 AS is_member, MIN(r.started_at) AS '
                     'member_since,\n'
                     "                   COALESCE(SUM(CASE WHEN r.currency = 'JPY' THEN CASE WHEN "
                     'r."interval" = \'year\' THEN r.amount / 12 ELSE r.amount END END), 0) AS '
                     'monthly_amount\n'
                     '            FROM crm_donorgiving g LEFT JOIN crm_recurringdonation r ON r.donor_id = '
                     "g.donor_id AND r.status = 'active'\n"
                     '            WHERE TRUE GROUP BY g.donor_id\n'
                     '        ) s\n'
                     '        WHERE crm_donorgiving.donor_id = s.donor_id\n'
                     '          AND (crm_donorgiving.is_member IS NOT s.is_member OR '
                     'crm_donorgiving.member_since IS NOT s.member_since\n'
                     '               OR crm_donorgiving.monthly_amount IS NOT s.monthly_amount)']}}


def _run(schema_editor, *parts: str) -> None:
    statements = GIVING_SQL.get(schema_editor.connection.vendor)
    if statements is None:
        return  # the summaries are kept by triggers on PostgreSQL and SQLite only
    with schema_editor.connection.cursor() as cursor:
        for part in parts:
            for statement in statements[part]:
                cursor.execute(statement)


def install_and_fill(apps, schema_editor):
    # Triggers first, then the fill: a donor or gift written meanwhile is counted by one or the other.
    _run(schema_editor, "indexes", "install", "fill")


def uninstall(apps, schema_editor):
    _run(schema_editor, "uninstall", "drop_indexes")


class Migration(migrations.Migration):

    dependencies = [
        ("crm", "0008_donor_import_job"),
    ]

    operations = [
        migrations.CreateModel(
            name="DonorGiving",
            fields=[
                (
                    "donor",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="giving",
                        serialize=False,
                        to="crm.donor",
                        verbose_name="donor",
                    ),
                ),
                (
                    "lifetime_value",
                    models.BigIntegerField(
                        default=0,
                        help_text="Succeeded gifts in JPY, less what was refunded.",
                        verbose_name="lifetime value (JPY)",
                    ),
                ),
                ("gift_count", models.PositiveIntegerField(default=0, verbose_name="gifts")),
                ("first_gift_at", models.DateTimeField(blank=True, null=True, verbose_name="first gift")),
                ("last_gift_at", models.DateTimeField(blank=True, null=True, verbose_name="last gift")),
                ("is_member", models.BooleanField(default=False, verbose_name="monthly member")),
                ("member_since", models.DateTimeField(blank=True, null=True, verbose_name="member since")),
                (
                    "monthly_amount",
                    models.PositiveIntegerField(
                        default=0,
                        help_text="Active monthly gifts in JPY; a yearly gift counts as a twelfth.",
                        verbose_name="monthly amount (JPY)",
                    ),
                ),
            ],
            options={
                "verbose_name": "giving summary",
                "verbose_name_plural": "giving summaries",
                "indexes": [
                    models.Index(fields=["lifetime_value", "donor"], name="crm_giving_lifetime_idx"),
                    models.Index(fields=["last_gift_at", "donor"], name="crm_giving_last_gift_idx"),
                    models.Index(fields=["member_since", "donor"], name="crm_giving_member_since_idx"),
                ],
            },
        ),
        migrations.RunPython(install_and_fill, uninstall),
    ]
