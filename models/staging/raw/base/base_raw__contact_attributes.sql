{#- Every row of raw.contact_attributes as landed, typed: the columns declared in _raw__sources.yml
    (raw_typed parses a typed column that arrives as text), text trimmed (clean_text) or also
    lower-cased (normalized_text), extra raw columns passed through, and why a row cannot be used. -#}
{#- raw's table, also when no adapter brings attributes (then an empty one if switched off) -#}
{%- set adapters = lead_scoring.adapter_models('contact_attributes') %}
{%- set raw_included = lead_scoring.event_source_enabled('raw') or not adapters %}
{%- if raw_included %}
{%- set raw = lead_scoring.raw_table('contact_attributes') %}

with raw_rows as (
    select * from {{ lead_scoring.raw_relation('contact_attributes') }}
),

typed as (
    select
        {{ lead_scoring.clean_text('contact_id') }} as contact_id,
        {{ lead_scoring.normalized_text('attribute') }} as attribute,
        {{ lead_scoring.clean_text('value') }} as value,
        {{ lead_scoring.raw_typed('updated_at', raw) }} as updated_at,
        -- then the raw table's extra columns, loaded_at, rejection_reason and raw_values
        {{- lead_scoring.raw_audit_columns(raw) }}
    from raw_rows
)

select * from typed
{%- endif %}
-- the source adapters' contact attributes (var lead_scoring__event_sources)
{{ lead_scoring.adapter_union('contact_attributes', raw_included) }}
