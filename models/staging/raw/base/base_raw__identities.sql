{%- set raw_included = lead_scoring.event_source_enabled('raw') %}
{%- if raw_included %}
select {{ lead_scoring.base_select('identities', ['anonymous_id', 'contact_id', 'identified_at']) }}
from {{ lead_scoring.raw_relation('identities') }}
{%- endif %}
-- the source adapters' identities (var lead_scoring__event_sources)
{{ lead_scoring.adapter_union('identities', raw_included) }}
