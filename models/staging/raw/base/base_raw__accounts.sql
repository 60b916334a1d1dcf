{#- Every row of raw.accounts as landed, typed: the columns declared in _raw__sources.yml
    (raw_typed parses a typed column that arrives as text), text trimmed (clean_text) or also
    lower-cased (normalized_text), extra raw columns passed through, and why a row cannot be used. -#}
{%- set raw = lead_scoring.raw_table('accounts') %}

with raw_rows as (
    select * from {{ lead_scoring.raw_relation('accounts') }}
),

typed as (
    select
        {{ lead_scoring.clean_text('account_id') }} as account_id,
        {{ lead_scoring.clean_text('name') }} as name,
        {{ lead_scoring.normalized_text('domain') }} as domain,
        {{ lead_scoring.normalized_text('industry') }} as industry,
        {{ lead_scoring.raw_typed('employee_count', raw) }} as employee_count,
        {{ lead_scoring.raw_typed('annual_revenue', raw) }} as annual_revenue,
        {{ lead_scoring.normalized_text('country') }} as country,
        {{ lead_scoring.normalized_text('region') }} as region,
        {{ lead_scoring.raw_typed('created_at', raw) }} as created_at,
        {{ lead_scoring.raw_typed('updated_at', raw) }} as updated_at,
        -- then the raw table's extra columns, loaded_at, rejection_reason and raw_values
        {{- lead_scoring.raw_audit_columns(raw) }}
    from raw_rows
)

select * from typed
