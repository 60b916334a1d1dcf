select
    {{ lead_scoring.clean_text('model_id') }} as model_id,
    {{ lead_scoring.clean_text('rule_id') }} as rule_id,
    {{ lead_scoring.normalized_text('attribute') }} as attribute,
    {{ lead_scoring.normalized_text('operator') }} as operator,
    {{ lead_scoring.rule_value_columns(lead_scoring.normalized_text('operator'), 'value') }},
    points,
    {{ lead_scoring.clean_text('description') }} as description,
    coalesce(is_active, false) as is_active,
    {%- set group_id = lead_scoring.optional_column(
        lead_scoring.rule_seed('attribute_rules'), 'group_id', dbt.type_string()) %}
    {{ lead_scoring.clean_text(group_id) }} as group_id
from {{ lead_scoring.rule_seed('attribute_rules') }}
