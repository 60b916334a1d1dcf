{#- Every row of raw.contacts as landed, typed: the columns declared in _raw__sources.yml
    (raw_typed parses a typed column that arrives as text), text trimmed (clean_text) or also
    lower-cased (normalized_text), extra raw columns passed through, and why a row cannot be used. -#}
{%- set raw_included = lead_scoring.event_source_enabled('raw') %}
{%- if raw_included %}
{%- set raw = lead_scoring.raw_table('contacts') %}

with raw_rows as (
    select * from {{ lead_scoring.raw_relation('contacts') }}
),

typed as (
    select
        {{ lead_scoring.clean_text('contact_id') }} as contact_id,
        {{ lead_scoring.clean_text('account_id') }} as account_id,
        {{ lead_scoring.normalized_text('email') }} as email,
        {{ lead_scoring.clean_text('first_name') }} as first_name,
        {{ lead_scoring.clean_text('last_name') }} as last_name,
        {{ lead_scoring.clean_text('job_title') }} as job_title,
        {{ lead_scoring.normalized_text('seniority') }} as seniority,
        {{ lead_scoring.normalized_text('department') }} as department,
        {{ lead_scoring.normalized_text('industry') }} as industry,
        {{ lead_scoring.raw_typed('company_size', raw) }} as company_size,
        {{ lead_scoring.normalized_text('country') }} as country,
        {{ lead_scoring.normalized_text('region') }} as region,
        {{ lead_scoring.clean_text('city') }} as city,
        {{ lead_scoring.normalized_text('lead_source') }} as lead_source,
        {{ lead_scoring.raw_typed('email_consent', raw) }} as email_consent,
        {{ lead_scoring.normalized_text('lifecycle_stage') }} as lifecycle_stage,
        {{ lead_scoring.clean_text('owner_id') }} as owner_id,
        {{ lead_scoring.raw_typed('created_at', raw) }} as created_at,
        {{ lead_scoring.raw_typed('updated_at', raw) }} as updated_at,
        -- then the raw table's extra columns, loaded_at, rejection_reason and raw_values
        {{- lead_scoring.raw_audit_columns(raw) }}
    from raw_rows
)

select * from typed
{%- endif %}
-- the source adapters' contacts (var lead_scoring__event_sources)
{{ lead_scoring.adapter_union('contacts', raw_included) }}
