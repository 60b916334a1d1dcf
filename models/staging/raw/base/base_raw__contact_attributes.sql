select {{ lead_scoring.base_select('contact_attributes', ['contact_id', 'attribute']) }}
from {{ source('raw', 'contact_attributes') }}
