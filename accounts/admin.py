from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "role", "body", "is_active", "is_staff"]
    list_filter = ["role", "body", "is_active", "is_staff"]
    fieldsets = [*BaseUserAdmin.fieldsets, ("Role in the reporting cycle", {"fields": ["role", "body"]})]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        ("Role in the reporting cycle", {"fields": ["role", "body"]}),
    ]
    list_select_related = ["body"]
