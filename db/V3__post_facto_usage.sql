-- Usage reported after the fact (Option B webhooks, reconciliation) must be booked even when it
-- takes a pool below zero: the debt is real. Overspending by Tollgate's own requests stays
-- impossible, because holds only ever come from the conditional UPDATE ... WHERE balance >= amount.
ALTER TABLE credit_account DROP CONSTRAINT credit_account_balance_check;
