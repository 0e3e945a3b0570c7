module cwlguest

go 1.21
