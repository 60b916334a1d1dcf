{#- HubSpot as Fivetran lands it (fivetran/dbt_hubspot's source layout): contact, email_event with
    its per-type tables, contact_form_submission. Email events reach contacts through the
    recipient address: each contact's email is an identity 'email:<address>' (base_hubspot__identities),
    so the usual stitching attributes them, also when the contact arrives after its emails. -#}

{% macro hubspot_email_key(expr) -%}
    {{ dbt.concat(["'email:'", lead_scoring.normalized_text(expr)]) }}
{%- endmacro %}

{#- The contact table's rows, live ones only (Fivetran soft-deletes with _fivetran_deleted).
    `relation` is source('hubspot', 'contact'), passed by the model so the lineage shows it. -#}
{% macro hubspot_contact_rows(relation) -%}
    {%- set types = lead_scoring.column_types(relation) -%}
    {%- set present = types.keys() | list -%}
    select
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('id', present)) }} as contact_id,
        {{ lead_scoring.normalized_text(lead_scoring.column_or_null('property_email', present)) }} as email,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('property_firstname', present)) }} as first_name,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('property_lastname', present)) }} as last_name,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('property_jobtitle', present)) }} as job_title,
        {{ lead_scoring.normalized_text(lead_scoring.column_or_null('property_industry', present)) }} as industry,
        {{ lead_scoring.normalized_text(lead_scoring.column_or_null('property_country', present)) }} as country,
        {{ lead_scoring.normalized_text(lead_scoring.column_or_null('property_lifecyclestage', present)) }} as lifecycle_stage,
        {{ lead_scoring.clean_text(lead_scoring.column_or_null('property_hubspot_owner_id', present)) }} as owner_id,
        {{ lead_scoring.collector_watermark(['property_createdate', 'property_created_at', '_fivetran_synced'], present, types) }} as created_at,
        {{ lead_scoring.collector_watermark(['property_lastmodifieddate', '_fivetran_synced'], present, types) }} as updated_at,
        {{ lead_scoring.collector_watermark([var('lead_scoring__hubspot_loaded_at_column', '_fivetran_synced')], present, types) }} as loaded_at,
        {{ lead_scoring.collector_values(present) }} as raw_values
    from {{ relation }}
    {%- if '_fivetran_deleted' in present %}
    where not coalesce(lower(trim({{ lead_scoring.as_text('_fivetran_deleted') }})) in ('true', '1'), false)
    {%- endif %}
{%- endmacro %}
