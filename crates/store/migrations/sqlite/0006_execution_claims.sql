-- The claim counts each candidate workflow's running executions; without this index the count
-- read every execution the workflow ever had, so claiming slowed as history grew.
CREATE INDEX workflow_executions_active ON workflow_executions (workflow_id, status, lease_until);
