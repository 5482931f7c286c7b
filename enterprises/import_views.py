# Temporary until the import/export views land (being written now); replace wholesale.
from django.http import HttpResponse


def site_export(request):
    return HttpResponse(status=501)


site_import = site_import_preview = site_import_commit = site_export
