select {{ lead_scoring.base_select('contact_attributes', ['contact_id', 'attribute']) }}
from {{ lead_scoring.raw_relation('contact_attributes') }}
