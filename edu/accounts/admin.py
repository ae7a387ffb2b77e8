from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from edu.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "is_active", "is_staff")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "display_name")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Baeum"), {"fields": ("role", "display_name", "student_number", "login_code_issued_at")}),
    )
    readonly_fields = ("login_code_issued_at",)
