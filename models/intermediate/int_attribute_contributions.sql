-- Fit points: each matching attribute rule adds its points once.
with rules as (
    select * from {{ ref('int_active_attribute_rules') }}
),

attributes as (
    select * from {{ ref('int_contact_attributes') }}
)

select
    rules.model_id,
    attributes.contact_id,
    rules.rule_id,
    'attribute' as rule_kind,
    rules.points,
    1 as event_count
from attributes
inner join rules
    on attributes.attribute = rules.attribute
where
    rules.operator <> 'is_null'
    and {{ lead_scoring.rule_condition('attributes.value', 'rules') }}

union all

-- is_null: the contact has no (non-NULL) value for the attribute
select
    rules.model_id,
    contacts.contact_id,
    rules.rule_id,
    'attribute' as rule_kind,
    rules.points,
    1 as event_count
from {{ ref('stg_raw__contacts') }} as contacts
inner join rules
    on rules.operator = 'is_null'
left join attributes
    on
        contacts.contact_id = attributes.contact_id
        and rules.attribute = attributes.attribute
where attributes.contact_id is null
