{#- Every row of raw.conversions as landed, typed: the columns declared in _raw__sources.yml
    (raw_typed parses a typed column that arrives as text), text trimmed (clean_text) or also
    lower-cased (normalized_text), extra raw columns passed through, and why a row cannot be used. -#}
{%- set raw = lead_scoring.raw_table('conversions') %}
{%- set checks = [
    ["nullif(trim(contact_id), '') is null and nullif(trim(account_id), '') is null",
     'no contact_id and no account_id'],
    ["lower(trim(outcome)) not in ('won', 'lost')", "outcome is not 'won' or 'lost'"],
] %}

with raw_rows as (
    select * from {{ lead_scoring.raw_relation('conversions') }}
),

typed as (
    select
        {{ lead_scoring.clean_text('conversion_id') }} as conversion_id,
        {{ lead_scoring.clean_text('contact_id') }} as contact_id,
        {{ lead_scoring.clean_text('account_id') }} as account_id,
        {{ lead_scoring.raw_typed('converted_at', raw) }} as converted_at,
        {{ lead_scoring.normalized_text('outcome') }} as outcome,
        {{ lead_scoring.raw_typed('amount', raw) }} as amount,
        -- then the raw table's extra columns, loaded_at, rejection_reason and raw_values
        {{- lead_scoring.raw_audit_columns(raw, checks) }}
    from raw_rows
)

select * from typed
