from django.shortcuts import render


def search(request):
    return render(request, "search/search.html", {"search_query": request.GET.get("query", "")})
