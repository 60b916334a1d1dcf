{#- Every row of raw.identities as landed, typed: the columns declared in _raw__sources.yml
    (raw_typed parses a typed column that arrives as text), text trimmed (clean_text) or also
    lower-cased (normalized_text), extra raw columns passed through, and why a row cannot be used. -#}
{%- set raw_included = lead_scoring.event_source_enabled('raw') %}
{%- if raw_included %}
{%- set raw = lead_scoring.raw_table('identities') %}

with raw_rows as (
    select * from {{ lead_scoring.raw_relation('identities') }}
),

typed as (
    select
        {{ lead_scoring.clean_text('anonymous_id') }} as anonymous_id,
        {{ lead_scoring.clean_text('contact_id') }} as contact_id,
        {{ lead_scoring.raw_typed('identified_at', raw) }} as identified_at,
        -- then the raw table's extra columns, loaded_at, rejection_reason and raw_values
        {{- lead_scoring.raw_audit_columns(raw) }}
    from raw_rows
)

select * from typed
{%- endif %}
-- the source adapters' identities (var lead_scoring__event_sources)
{{ lead_scoring.adapter_union('identities', raw_included) }}
