select {{ lead_scoring.base_select('contacts', ['contact_id', 'created_at']) }}
from {{ lead_scoring.raw_relation('contacts') }}
