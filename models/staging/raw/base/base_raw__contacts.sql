{%- set raw_included = lead_scoring.event_source_enabled('raw') %}
{%- if raw_included %}
select {{ lead_scoring.base_select('contacts', ['contact_id', 'created_at']) }}
from {{ lead_scoring.raw_relation('contacts') }}
{%- endif %}
-- the source adapters' contacts (var lead_scoring__event_sources)
{{ lead_scoring.adapter_union('contacts', raw_included) }}
