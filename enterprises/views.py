from django.http import HttpResponse


def site_list(request):
    return HttpResponse("")
