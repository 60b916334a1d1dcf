select {{ lead_scoring.base_select('identities', ['anonymous_id', 'contact_id', 'identified_at']) }}
from {{ lead_scoring.raw_relation('identities') }}
