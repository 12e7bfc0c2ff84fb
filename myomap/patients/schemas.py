from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from myomap.patients.models import Sex


class PatientIn(Schema):
    first_name: str = Field(min_length=1, max_length=80)
    last_name: str = Field(min_length=1, max_length=80)
    date_of_birth: date
    preferred_name: str = Field("", max_length=80)
    sex: Sex = Sex.UNKNOWN
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=500)
    occupation: str = Field("", max_length=120)
    allow_duplicate: bool = False


class PatientOut(Schema):
    id: int
    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: date
    sex: str
    phone: str
    email: str
    archived_at: datetime | None
