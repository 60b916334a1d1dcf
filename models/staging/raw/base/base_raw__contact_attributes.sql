{#- raw's table, also when no adapter brings attributes (then an empty one if switched off) -#}
{%- set adapters = lead_scoring.adapter_models('contact_attributes') %}
{%- set raw_included = lead_scoring.event_source_enabled('raw') or not adapters %}
{%- if raw_included %}
select {{ lead_scoring.base_select('contact_attributes', ['contact_id', 'attribute']) }}
from {{ lead_scoring.raw_relation('contact_attributes') }}
{%- endif %}
-- the source adapters' contact attributes (var lead_scoring__event_sources)
{{ lead_scoring.adapter_union('contact_attributes', raw_included) }}
