-- Raw rows that cannot be used, from every base model, with the reason and their original
-- values (marts.rpt_rejected_rows lists them). Nothing is dropped silently: every raw row is
-- either used (possibly superseded by a newer version) or listed here.
{%- set tables = {
    'contacts': 'contact_id', 'contact_attributes': 'contact_id', 'accounts': 'account_id',
    'interactions': 'event_id', 'identities': 'anonymous_id', 'conversions': 'conversion_id'} %}

{% for table, id_column in tables.items() %}
select
    {{ lead_scoring.quoted(table) }} as source_table,
    {{ id_column }} as record_id,
    rejection_reason as reason,
    loaded_at,
    raw_values
from {{ ref('base_raw__' ~ table) }}
where rejection_reason is not null
{% if not loop.last %}union all{% endif %}
{% endfor %}
