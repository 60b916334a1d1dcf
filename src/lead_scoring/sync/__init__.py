"""CRM sync: `lead-scoring sync hubspot|salesforce|webhook|file` (docs/crm-sync.md)."""
