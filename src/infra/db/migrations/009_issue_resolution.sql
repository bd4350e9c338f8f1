-- How an issue was resolved, from the [Resolved] modal: shown in the post-deployment report.
ALTER TABLE issues ADD COLUMN resolution text;
