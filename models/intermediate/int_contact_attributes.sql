{#- The attributes that rules test, one row per (contact_id, attribute) with a non-NULL value:
    any contact column (extra raw columns too), custom field, or account.<column> through the
    contact's account. Values are trimmed and lower-cased. A custom field named like a contact
    column is shadowed by the column. Only attributes some attribute or routing rule names are
    produced, so unused columns cost nothing. -#}
-- depends_on: {{ ref('stg_raw__accounts') }}
{%- set skip = ['loaded_at', 'processed_at', 'rejection_reason', 'raw_values', 'version_rank'] %}
{%- set contact_columns = lead_scoring.column_names(ref('stg_raw__contacts'), skip) %}
{%- set account_columns = lead_scoring.column_names(ref('stg_raw__accounts'), skip) %}
{%- set float_columns = lead_scoring.float_column_names(ref('stg_raw__contacts'))
    + lead_scoring.float_column_names(ref('stg_raw__accounts')) %}

with contacts as (
    select * from {{ ref('stg_raw__contacts') }}
),

rule_attributes as (
    select attribute from {{ ref('stg_rules__attribute_rules') }}
    union
    select attribute from {{ ref('stg_rules__routing_rules') }}
),

attributes as (
    {%- for column in contact_columns %}
    select
        contact_id,
        {{ lead_scoring.quoted(column) }} as attribute,
        {{ lead_scoring.attribute_text(adapter.quote(column), column in float_columns) }} as value
    from contacts
    where exists (select 1 from rule_attributes where attribute = {{ lead_scoring.quoted(column) }})
    union all
    {%- endfor %}
    {%- for column in account_columns %}
    select
        contacts.contact_id,
        {{ lead_scoring.quoted('account.' ~ column) }} as attribute,
        {{ lead_scoring.attribute_text('accounts.' ~ adapter.quote(column), column in float_columns) }} as value
    from contacts
    inner join {{ ref('stg_raw__accounts') }} as accounts on contacts.account_id = accounts.account_id
    where exists (select 1 from rule_attributes where attribute = {{ lead_scoring.quoted('account.' ~ column) }})
    union all
    {%- endfor %}
    select
        custom.contact_id,
        custom.attribute,
        {{ lead_scoring.normalized_text('custom.value') }} as value
    from {{ ref('stg_raw__contact_attributes') }} as custom
    inner join contacts on custom.contact_id = contacts.contact_id
    inner join rule_attributes on custom.attribute = rule_attributes.attribute
    {%- if contact_columns %}
    where custom.attribute not in (
        {%- for column in contact_columns %}{{ lead_scoring.quoted(column) }}{{ ', ' if not loop.last }}{% endfor -%}
    )
    {%- endif %}
)

select
    contact_id,
    attribute,
    value
from attributes
where value is not null
