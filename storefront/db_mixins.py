"""Column mixins shared by models in several packages."""

from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy.orm import Mapped, mapped_column

from storefront.clock import now


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=lambda: now(), onupdate=lambda: now()
    )
