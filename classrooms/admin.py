from django.contrib import admin

from classrooms.models import Classroom, Membership, School, SchoolMembership


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(SchoolMembership)
class SchoolMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "school")
    list_select_related = ("user", "school")
    autocomplete_fields = ("user", "school")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ("name", "grade", "subject", "school_year", "school", "join_code")
    list_filter = ("school_year", "grade", "school")
    search_fields = ("name", "subject", "join_code")
    inlines = [MembershipInline]
